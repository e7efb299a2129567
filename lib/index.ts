export type { HandlerName } from './handler-function';
export { TalesLog } from './tales-log';
export type { TalesLogProps } from './tales-log-props';
