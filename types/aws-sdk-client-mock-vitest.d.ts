// The matchers are registered by test/support/mock-matchers.ts (vitest.config.ts's setupFiles); this brings their types.
import 'aws-sdk-client-mock-vitest/extend';
