/** The delivery history end to end with 100 events (the fault suite runs 10,000): see test/support/history-suite.ts. */
import { describeDeliveryHistory } from '../../../test/support/history-suite';

describeDeliveryHistory(100);
