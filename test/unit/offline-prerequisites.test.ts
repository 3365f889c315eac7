/** A missing prerequisite of `npm start` is one clear sentence saying what to do, not a stack trace. */

import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PrerequisiteError, requireFreePort, requireJava17 } from '../../bin/offline/prerequisites';

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});

describe('offline prerequisites', () => {
  it('says how to install Java 17 when java is not on the PATH', () => {
    process.env.PATH = '/nonexistent';
    expect(() => requireJava17()).toThrow(PrerequisiteError);
    expect(() => requireJava17()).toThrow(/Java 17 .*apt-get install -y openjdk-17-jre-headless/);
  });

  it('names the busy port, what needed it and the variable that moves it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(requireFreePort(port, 'staff API', 'OVERDUE_API_PORT')).rejects.toThrow(
        new RegExp(`Port ${port} \\(staff API\\) is already in use.*OVERDUE_API_PORT=<port>`),
      );
    } finally {
      server.close();
    }
  });
});
