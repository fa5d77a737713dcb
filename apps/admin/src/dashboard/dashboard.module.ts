/**
 * The Bull Board dashboard at /admin/queues over both queues of the contract. Authentication is
 * the admin app's basic-auth hook, which covers the UI, its static assets and its API.
 */
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule, type BullBoardModuleOptions } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/queue';

export const DASHBOARD_ROUTE = '/admin/queues';

// @bull-board/fastify pins its own copy of @bull-board/api's types (9.10.1 against our 9.10.2);
// the adapter only hands the queue map through, so the two shapes are the same at run time.
const serverAdapter = FastifyAdapter as unknown as BullBoardModuleOptions['adapter'];

@Module({
  imports: [
    BullBoardModule.forRoot({
      route: DASHBOARD_ROUTE,
      adapter: serverAdapter,
      boardOptions: { uiConfig: { boardTitle: 'AXP push' } },
    }),
    BullBoardModule.forFeature(
      {
        name: NOTIFICATIONS_QUEUE,
        adapter: BullMQAdapter,
        options: { displayName: 'Notifications', description: 'AXP events waiting for, or in, delivery to FCM' },
      },
      {
        name: DEAD_LETTER_QUEUE,
        adapter: BullMQAdapter,
        options: {
          displayName: 'Dead letter',
          description:
            'Undeliverable events, under Failed with their reason. Retry puts the event back on the notifications queue with its eventId (tokens that already got it are skipped).',
        },
      },
    ),
  ],
})
export class DashboardModule {}
