/**
 * Just enough of a browser to sign in at the test provider: follows redirects by hand, keeps
 * cookies, submits the provider's login and consent forms, and stops at the redirect back to
 * the app, whose query (code, state, iss) it returns.
 */
export class ProviderBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly redirectUri: string) {}

  async signIn(authorizationUrl: string, login: string): Promise<URLSearchParams> {
    let location = await this.follow(authorizationUrl);
    for (let step = 0; step < 6; step += 1) {
      if (location.startsWith(this.redirectUri)) return new URL(location).searchParams;
      const page = await this.fetch(location);
      const html = await page.text();
      const prompt = html.includes('name="login"') ? 'login' : 'consent';
      const form = new URLSearchParams({ prompt, login, password: 'any' });
      const posted = await this.fetch(location, {
        method: 'POST',
        body: form.toString(),
        contentType: 'application/x-www-form-urlencoded',
      });
      location = await this.follow(this.redirectOf(posted, location));
    }
    throw new Error(`the provider did not redirect back to ${this.redirectUri}`);
  }

  /** Follows provider-internal redirects until one leaves for an interaction page or the app. */
  private async follow(url: string): Promise<string> {
    let current = url;
    for (let hop = 0; hop < 10; hop += 1) {
      if (
        current.startsWith(this.redirectUri) ||
        new URL(current).pathname.startsWith('/interaction/')
      ) {
        return current;
      }
      const response = await this.fetch(current);
      if (response.status < 300 || response.status >= 400) {
        throw new Error(
          `the provider answered ${response.status} at ${current}: ${await response.text()}`,
        );
      }
      current = this.redirectOf(response, current);
    }
    throw new Error('too many redirects at the provider');
  }

  private redirectOf(response: Response, base: string): string {
    const location = response.headers.get('location');
    if (!location) throw new Error(`expected a redirect from ${base}, got ${response.status}`);
    return new URL(location, base).href;
  }

  private async fetch(
    url: string,
    form: { method?: string; body?: string; contentType?: string } = {},
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers: Record<string, string> = cookie ? { cookie } : {};
    if (form.contentType) headers['content-type'] = form.contentType;
    const response = await fetch(url, {
      method: form.method ?? 'GET',
      redirect: 'manual',
      headers,
      ...(form.body === undefined ? {} : { body: form.body }),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}
