/**
 * How a handler gets its AWS adapters. Every function pays at cold start for each module its handler
 * imports, so there is no module that imports every client:
 * - one module per AWS service (dynamodb.ts, kms.ts, s3.ts, sqs.ts, step-functions.ts, sns.ts, ses.ts,
 *   bank-events.ts) owns that service's single SDK client per container (built on first use) and exports one
 *   `build…()` per adapter, reading its table, key or bucket from the environment; where two modules of one
 *   service serve different functions (s3.ts and letters.ts, dynamodb.ts and work-items.ts), the client lives
 *   in a module of its own (s3-client.ts, dynamodb-client.ts) that both import;
 * - a handler passes `traced` (../tracer.ts) to its builders to see each SDK call as an X-Ray subsegment:
 *   the API functions and the escalation's planning and bookkeeping tasks do; the feed batch functions
 *   (intake, a map segment, its last step) do not, as every row would be a subsegment (a million a day) and
 *   the X-Ray SDK a third of their cold start; nor do the four Act functions, which carry a channel's client
 *   besides and went over the cold-start target with the X-Ray SDK (npm run bench:bundles -- --tracer-ablation).
 *   Their invocations are still traced (Lambda active tracing, the state machine's X-Ray trace) and timed in
 *   the execution history; only the breakdown by SDK call inside one is not;
 * - a handler imports the service modules it calls and no others, and wraps its deps in `once(() => ({ … }))`:
 *   nothing is built at import, everything once per container, on the first invocation;
 * - a new adapter joins its service's module (a checkpoint store: dynamodb.ts); a new service gets a new
 *   module shaped like sns.ts (an SQS sender: sqs.ts). test/unit/handler-bundles.test.ts fails when a
 *   handler's bundle holds an SDK client the handler does not use.
 */

/** Creates a value on first use and returns the same one after: adapters live as long as the container. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** What a handler does to each SDK client it builds: trace it, or leave it as built. */
export type Instrument = <Client>(client: Client) => Client;

/** No instrumentation: the client as built. */
export const asBuilt: Instrument = (client) => client;

/** Like `once`, for a value built from an argument: the first call's argument is the one used. */
export function onceWith<A, T>(build: (argument: A) => T): (argument: A) => T {
  let value: T | undefined;
  let built = false;
  return (argument) => {
    if (!built) {
      value = build(argument);
      built = true;
    }
    return value as T;
  };
}
