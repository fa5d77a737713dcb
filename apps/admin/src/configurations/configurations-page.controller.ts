import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CONFIGURATIONS_PAGE } from './configurations-page.html';

/** The configurations view of the admin page (behind the admin app's basic auth like every route). */
@ApiExcludeController()
@Controller('admin/configurations')
export class ConfigurationsPageController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  page(): string {
    return CONFIGURATIONS_PAGE;
  }
}
