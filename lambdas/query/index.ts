import { setupQuery } from './setup';

export const { handler } = setupQuery(process.env);
