import { Controller, Get, Query } from '@nestjs/common';
import { PageQuery, type Page } from '#atlas/contracts';
import { CurrentUser, type AuthenticatedUser } from '#atlas/security';
import { NotificationsService, type NotificationView } from './notifications.service.js';

@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's own notifications, newest first. */
  @Get()
  list(
    @Query({ schema: PageQuery }) page: PageQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Page<NotificationView>> {
    return this.notifications.list(user.id, page);
  }
}
