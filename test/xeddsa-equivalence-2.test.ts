// The second half of the real-signature cases (see xeddsa-equivalence.test.ts), with keys of its own seed.
import { realSignaturePart } from './support/xeddsa-real';

realSignaturePart('xeddsa-equivalence-2', 125);
