/**
 * How a handler gets its AWS adapters. Every function pays at cold start for each module its handler
 * imports, so there is no module that imports every client:
 * - one module per AWS service (dynamodb.ts, kms.ts, s3.ts, step-functions.ts, sns.ts) owns that
 *   service's single SDK client per container (built on first use, traced) and exports one `build…()` per
 *   adapter, reading its table, key or bucket from the environment;
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
