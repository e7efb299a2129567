import { setupConsumer } from './setup';

export const { handler } = setupConsumer(process.env);
