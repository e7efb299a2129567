import { setupMerger } from './setup';

export const { handler } = setupMerger(process.env);
