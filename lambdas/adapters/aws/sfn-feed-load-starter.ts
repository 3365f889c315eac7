/**
 * Starts the Distributed Map run of a large feed, from the start buffer's consumer; a repeated request for the
 * same file version starts nothing.
 */

import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { FeedLoadInput, FeedLoadStarter } from '../../ports/workflow';
import { refusalOf } from './sfn-refusals';

export class SfnFeedLoadStarter implements FeedLoadStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async startFeedLoad(input: FeedLoadInput): Promise<void> {
    // The name is a digest of key and version: execution names are visible in the console, file names may not be.
    const name = `feed-${createHash('sha256')
      .update(`${input.key}\n${input.version}`)
      .digest('hex')
      .slice(0, 48)}`;
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // The name is taken by this version's run, running or finished: nothing more to start.
      if (!(error instanceof ExecutionAlreadyExists)) throw refusalOf('StartExecution', error);
    }
  }
}
