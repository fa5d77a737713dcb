import { CreateRegistrations1764057600000 } from './1764057600000-create-registrations';
import { CreateOutbox1764057700000 } from './1764057700000-create-outbox';
import { CreateDeliveryLedger1764057800000 } from './1764057800000-create-delivery-ledger';
import { CreateAxpConfigurations1764058400000 } from './1764058400000-create-axp-configurations';
import { CreateDeliveryHistory1764059000000 } from './1764059000000-create-delivery-history';
import { AddRegistrationCustomerBound1764059500000 } from './1764059500000-add-registration-customer-bound';

/** Every migration, in order. Committed; the schema is never synchronized from entities. */
export const MIGRATIONS = [
  CreateRegistrations1764057600000,
  CreateOutbox1764057700000,
  CreateDeliveryLedger1764057800000,
  CreateAxpConfigurations1764058400000,
  CreateDeliveryHistory1764059000000,
  AddRegistrationCustomerBound1764059500000,
];
