import { setupIngest } from './setup';

export const { handler } = setupIngest(process.env);
