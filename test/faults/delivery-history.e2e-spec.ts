/**
 * Issue 13's scale: 10,000 events with mixed outcomes (delivered, pruned, retried then delivered,
 * dead-lettered, no device), a FLUSHALL of a private Redis, then each found through the admin API.
 */
import { describeDeliveryHistory } from '../support/history-suite';

describeDeliveryHistory(10_000);
