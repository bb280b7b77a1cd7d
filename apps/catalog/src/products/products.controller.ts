import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  CreateProductRequest,
  ProductLookupQuery,
  ProductQuery,
  UpdateProductRequest,
  type Product,
  type ProductDeleted,
  type ProductList,
  type ProductLookup,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { RequirePermissions } from '#atlas/security';
import { ProductsService } from './products.service.js';

@Controller('v1/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Public()
  @Get()
  list(@Query({ schema: ProductQuery }) query: ProductQuery): Promise<ProductList> {
    return this.products.list(query);
  }

  /**
   * Many products by id in one call, for the gateway's GraphQL batcher (an order's items).
   * A static path, so the router matches it before `:id`.
   */
  @Public()
  @Get('lookup')
  lookup(@Query({ schema: ProductLookupQuery }) query: ProductLookupQuery): Promise<ProductLookup> {
    return this.products.lookup(query.ids);
  }

  @Public()
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<Product> {
    return this.products.get(id);
  }

  @RequirePermissions('products:write')
  @Post()
  create(@Body({ schema: CreateProductRequest }) body: CreateProductRequest): Promise<Product> {
    return this.products.create(body);
  }

  @RequirePermissions('products:write')
  @Patch(':id')
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body({ schema: UpdateProductRequest }) body: UpdateProductRequest,
  ): Promise<Product> {
    return this.products.update(id, body);
  }

  /** Removed if no order ever reserved it, archived otherwise (the answer says which). */
  @RequirePermissions('products:write')
  @Delete(':id')
  delete(@Param('id', ParseUUIDPipe) id: string): Promise<ProductDeleted> {
    return this.products.delete(id);
  }
}
