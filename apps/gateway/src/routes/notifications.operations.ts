import { z } from 'zod';
import {
  CreatedWebhookSubscription,
  CreateWebhookSubscriptionRequest,
  PageQuery,
  pageOf,
  WebhookDelivery,
  WebhookSubscription,
} from '#atlas/contracts';
import type { RouteTable } from './operation.js';

/** Notifications and outgoing webhook subscriptions: the notifications service. */
export const NOTIFICATIONS_OPERATIONS = {
  listNotifications: {
    method: 'GET',
    path: '/v1/notifications',
    access: 'signed-in',
    tag: 'notifications',
    summary: 'Status changes of the caller’s orders, newest first',
    description:
      'One notification per status change of each order, kept: what the live stream and the ' +
      'webhooks pushed, to read later.',
    request: { query: PageQuery },
    responses: { 200: { description: 'A page of notifications' } },
    upstream: 'notifications',
  },
  createWebhookSubscription: {
    method: 'POST',
    path: '/v1/webhooks/subscriptions',
    access: 'signed-in',
    tag: 'webhooks',
    summary: 'Have your order events POSTed to a URL, signed (Atlas-Signature, see docs)',
    description:
      'The URL must resolve to public addresses only. The answer carries the signing secret, ' +
      'shown this once. See docs/patterns/webhooks-out.md for verifying the signature.',
    request: { body: CreateWebhookSubscriptionRequest },
    responses: {
      201: { description: 'The subscription and its secret', body: CreatedWebhookSubscription },
    },
    problems: [409, 422],
    upstream: 'notifications',
  },
  listWebhookSubscriptions: {
    method: 'GET',
    path: '/v1/webhooks/subscriptions',
    access: 'signed-in',
    tag: 'webhooks',
    summary: 'Your webhook subscriptions',
    description: 'Without their secrets, which were shown once, at creation.',
    responses: {
      200: { description: 'Subscriptions, oldest first', body: z.array(WebhookSubscription) },
    },
    upstream: 'notifications',
  },
  deleteWebhookSubscription: {
    method: 'DELETE',
    path: '/v1/webhooks/subscriptions/:id',
    access: 'signed-in',
    tag: 'webhooks',
    summary: 'Stop a subscription (its delivery log goes with it)',
    description: 'Deliveries still pending are not sent. Someone else’s subscription is a 404.',
    request: { params: { id: 'uuid' } },
    responses: { 204: { description: 'Stopped' } },
    problems: [404],
    upstream: 'notifications',
  },
  listWebhookDeliveries: {
    method: 'GET',
    path: '/v1/webhooks/subscriptions/:id/deliveries',
    access: 'signed-in',
    tag: 'webhooks',
    summary: 'A subscription’s deliveries, newest first: attempts and outcome',
    description:
      'Each delivery is retried with backoff until the receiver answers 2xx, then dead-lettered ' +
      '(DEAD_LETTERED) after its last attempt.',
    request: { params: { id: 'uuid' }, query: PageQuery },
    responses: {
      200: { description: 'A page of deliveries', body: pageOf(WebhookDelivery) },
    },
    problems: [404],
    upstream: 'notifications',
  },
} as const satisfies RouteTable;
