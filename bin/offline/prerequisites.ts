/** Checks for what the offline runtime needs (Java 17, free ports) and says what to do when one is missing. */

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** A missing prerequisite, with a message that tells the user what to do; printed without a stack trace. */
export class PrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

export function requireJava17(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error) {
    throw new PrerequisiteError(
      'Java 17 or later is needed for DynamoDB Local and `java` was not found. ' +
        'Install it (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`) and run again.',
    );
  }
  const match = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`);
  const major = Number(match?.[1] ?? 0);
  if (major < 17) {
    throw new PrerequisiteError(
      `DynamoDB Local needs Java 17 or later; \`java -version\` reports ${major || 'an unknown version'}. ` +
        'Install Java 17 (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`) and put it first on PATH.',
    );
  }
}

/** Resolves when `port` can be bound on loopback; rejects with a PrerequisiteError naming the port otherwise. */
export async function requireFreePort(port: number, what: string, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', () =>
      reject(
        new PrerequisiteError(
          `Port ${port} (${what}) is already in use. Stop whatever uses it (\`lsof -i :${port}\` or ` +
            `\`ss -ltnp | grep ${port}\`), or choose another port with ${envVar}=<port>.`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Asks the OS for a free loopback port (used by tests, which must not collide with a running `npm start`). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
