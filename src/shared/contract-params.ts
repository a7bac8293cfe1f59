// Request fields that several contract files share.
import { z } from 'zod';

export const AccountIdParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'an account id is 1-64 letters, digits, "-" or "_"')
  .optional();
