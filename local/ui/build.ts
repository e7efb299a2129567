import { buildPage } from './build-page';

/** `npm run build:ui` (run by npm ci through `prepare`): builds ui/dist and prints the sizes. */
const sizes = await buildPage();
process.stdout.write(
  `explorer page built: ${Object.entries(sizes)
    .map(([file, bytes]) => `${file} ${bytes} B`)
    .join(', ')}\n`,
);
