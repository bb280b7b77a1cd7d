import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateProductRequest, Product, ProductList, ProductQuery } from '#atlas/contracts';
import { Public } from '#atlas/http';
import { Roles } from '#atlas/security';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

@ApiTags('catalog')
@Controller('v1/products')
export class ProductsRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'List and search products (cached)' })
  @ApiQuery({ name: 'q', required: false, description: 'full-text search' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100 },
  })
  @ApiJsonResponse(200, 'A page of products', ProductList)
  @ApiProblems(400)
  list(
    @Query({ schema: ProductQuery }) _query: ProductQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One product (cached)' })
  @ApiJsonResponse(200, 'The product', Product)
  @ApiProblems(400, 404)
  get(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply);
  }

  @Roles('catalog-manager', 'admin')
  @Post()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a product (catalog-manager or admin)' })
  @ApiJsonBody(CreateProductRequest)
  @ApiJsonResponse(201, 'The new product', Product)
  @ApiProblems(400, 401, 403, 409)
  create(
    @Body({ schema: CreateProductRequest }) body: CreateProductRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply, body);
  }
}
