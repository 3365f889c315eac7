/** Removes the cdk.out folders each in-test synthesis leaves in the temp directory. */
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll } from 'vitest';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());
