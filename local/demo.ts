import { processIo } from './cli/io';
import { demo } from './demo/demo';

process.exitCode = await demo(processIo());
// s3rver and the SDK's keep-alive agents can hold the loop open after the stack has stopped.
process.exit();
