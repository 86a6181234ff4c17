import { Injectable } from '@nestjs/common';

interface Entry {
  method: string;
  url: string;
  pattern: RegExp;
}

/**
 * Every route the server registered (filled from Fastify's onRoute hook). It answers which methods a path
 * allows, so a known path with the wrong method gets 405 with `Allow`, and tests can compare the route
 * table with the OpenAPI document.
 */
@Injectable()
export class RouteIndex {
  private readonly entries: Entry[] = [];

  add(method: string | string[], url: string): void {
    // Catch-alls (the CORS preflight's OPTIONS /*, static assets) say nothing about a path's methods.
    if (url.includes('*')) return;
    const pattern = new RegExp(
      '^' +
        url
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/:[A-Za-z0-9_]+/g, '[^/]+')
          .replace(/\*/g, '.*') +
        // Exact: the router does not ignore a trailing slash, so neither may the 405 answer.
        '$',
    );
    for (const m of Array.isArray(method) ? method : [method])
      this.entries.push({ method: m.toUpperCase(), url, pattern });
  }

  routes(): { method: string; url: string }[] {
    return this.entries.map(({ method, url }) => ({ method, url }));
  }

  allowedMethods(path: string): string[] {
    const clean = path.split('?')[0];
    return [...new Set(this.entries.filter((e) => e.pattern.test(clean)).map((e) => e.method))];
  }
}
