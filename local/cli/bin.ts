import { processIo } from './io';
import { runCli } from './main';

// The `tales` command: this process's arguments and streams. Bundled as dist/cli/tales.cjs for the package.
runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
