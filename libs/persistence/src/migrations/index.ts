import { CreateRegistrations1764057600000 } from './1764057600000-create-registrations';
import { CreateOutbox1764057700000 } from './1764057700000-create-outbox';
import { CreateDeliveryLedger1764057800000 } from './1764057800000-create-delivery-ledger';

/** Every migration, in order. Committed; the schema is never synchronized from entities. */
export const MIGRATIONS = [CreateRegistrations1764057600000, CreateOutbox1764057700000, CreateDeliveryLedger1764057800000];
