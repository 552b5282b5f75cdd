const ADJECTIVES = [
  'amber',
  'brave',
  'calm',
  'crisp',
  'daring',
  'eager',
  'fleet',
  'gentle',
  'glad',
  'golden',
  'hazy',
  'keen',
  'lucid',
  'merry',
  'nimble',
  'polished',
  'quiet',
  'rapid',
  'serene',
  'silver',
  'steady',
  'sunny',
  'swift',
  'tidy',
  'vivid',
  'warm',
  'wise',
  'zesty',
];
const NOUNS = [
  'badger',
  'bison',
  'crane',
  'dolphin',
  'falcon',
  'ferret',
  'finch',
  'fox',
  'gecko',
  'heron',
  'ibis',
  'koala',
  'lark',
  'lynx',
  'marten',
  'newt',
  'otter',
  'owl',
  'panda',
  'quail',
  'raven',
  'robin',
  'seal',
  'sparrow',
  'stoat',
  'swan',
  'tern',
  'wren',
];

/**
 * A readable run name such as `swift-otter-417`, for runs created without one (as MLflow does).
 *
 * @example
 * generateRunName(() => 0.5); // 'merry-newt-500'
 */
export function generateRunName(random: () => number = Math.random): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] ?? list[0];
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(random() * 1000)}`;
}
