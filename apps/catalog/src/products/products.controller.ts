import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  CreateProductRequest,
  ProductQuery,
  type Product,
  type ProductList,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { Roles } from '#atlas/security';
import { ProductsService } from './products.service.js';

@Controller('v1/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Public()
  @Get()
  list(@Query({ schema: ProductQuery }) query: ProductQuery): Promise<ProductList> {
    return this.products.list(query);
  }

  @Public()
  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<Product> {
    return this.products.get(id);
  }

  @Roles('catalog-manager', 'admin')
  @Post()
  create(@Body({ schema: CreateProductRequest }) body: CreateProductRequest): Promise<Product> {
    return this.products.create(body);
  }
}
