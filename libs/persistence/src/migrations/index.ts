import { CreateRegistrations1764057600000 } from './1764057600000-create-registrations';
import { CreateOutbox1764057700000 } from './1764057700000-create-outbox';

/** Every migration, in order. Committed; the schema is never synchronized from entities. */
export const MIGRATIONS = [CreateRegistrations1764057600000, CreateOutbox1764057700000];
