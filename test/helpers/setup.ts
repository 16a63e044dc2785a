// Registers aws-sdk-client-mock's matchers (toReceiveCommandWith, …) for every test file.
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);
