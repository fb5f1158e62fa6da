// Where Redis is: REDIS_URL (redis://host:port), or 127.0.0.1:6379.
export function redisOptions(url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 6379) };
}
