#!/usr/bin/env node
// The `tales` command. The CLI is TypeScript: tsx's loader is registered from this package (whatever the
// working directory), then the CLI runs with this process's arguments.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('./main.ts');
const { processIo } = await import('./io.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo());
