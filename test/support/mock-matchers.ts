import { allCustomMatcherWithAliases } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';

// aws-sdk-client-mock-vitest's matchers, registered from the package's entry rather than its `extend`
// module: vitest transforms a setup file from node_modules and warns that its source map points to
// sources the package does not ship, on every run. The package entry is loaded by Node as it is.
expect.extend(allCustomMatcherWithAliases);
