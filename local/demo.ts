import { processIo } from './cli/io';
import { demo } from './demo/demo';

process.exitCode = await demo(processIo());
