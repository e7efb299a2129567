// The matchers are registered by vitest.config.ts's setupFiles; this brings their types.
import 'aws-sdk-client-mock-vitest/extend';
