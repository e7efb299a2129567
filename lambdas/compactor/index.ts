import { setupCompactor } from './setup';

export const { handler } = setupCompactor(process.env);
