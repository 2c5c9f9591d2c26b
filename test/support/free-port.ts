// A free loopback port for a server a test starts: the same helper the local runtime uses.
export { freePortOnLoopback as freePort } from '../../infra/local/aws/ports.ts';
