// The event builders moved to local/ (the local stack builds its requests with them); tests keep this path.
export { type FunctionUrlRequest, functionUrlEvent, lambdaContext } from '../../local/lambda/function-url';
