import { randomInt } from 'node:crypto';

// Word lists for security phrases: 279 adjectives × 270 nouns = 75330 phrases.
export const ADJECTIVES: readonly string[] = [
  'able', 'active', 'agile', 'amber', 'ample', 'ancient', 'angry', 'autumn', 'awake', 'bald',
  'basic', 'bitter', 'black', 'blond', 'blue', 'bold', 'brave', 'breezy', 'brief', 'bright',
  'brisk', 'broad', 'bronze', 'brown', 'bubbly', 'busy', 'calm', 'candid', 'careful', 'casual',
  'cheap', 'cheerful', 'chilly', 'civil', 'clean', 'clear', 'clever', 'cloudy', 'clumsy', 'coastal',
  'cold', 'common', 'cool', 'copper', 'cosmic', 'cozy', 'crafty', 'crimson', 'crisp', 'cuddly',
  'curly', 'curious', 'cute', 'daily', 'damp', 'dapper', 'daring', 'dark', 'dear', 'deep', 'dense',
  'dizzy', 'dreamy', 'dry', 'dusty', 'eager', 'early', 'earnest', 'easy', 'elder', 'electric',
  'elegant', 'empty', 'epic', 'equal', 'even', 'exact', 'fair', 'faithful', 'famous', 'fancy',
  'fast', 'fearless', 'fierce', 'fine', 'firm', 'flat', 'fluffy', 'fond', 'formal', 'frank', 'free',
  'fresh', 'friendly', 'frosty', 'funny', 'fuzzy', 'gentle', 'giant', 'gifted', 'glad', 'gleaming',
  'global', 'glossy', 'golden', 'good', 'graceful', 'grand', 'gray', 'great', 'green', 'grumpy',
  'handy', 'happy', 'hardy', 'hasty', 'heavy', 'helpful', 'hidden', 'high', 'hollow', 'honest',
  'humble', 'hungry', 'icy', 'ideal', 'idle', 'jolly', 'joyful', 'juicy', 'keen', 'kind', 'large',
  'late', 'lazy', 'leafy', 'legal', 'level', 'light', 'little', 'lively', 'local', 'lofty',
  'lonely', 'long', 'loud', 'lovely', 'loyal', 'lucky', 'lunar', 'magic', 'major', 'mellow',
  'merry', 'mighty', 'mild', 'minor', 'misty', 'modern', 'modest', 'moody', 'muddy', 'narrow',
  'native', 'neat', 'nervous', 'new', 'nice', 'nimble', 'noble', 'noisy', 'northern', 'odd', 'oily',
  'old', 'olive', 'open', 'orange', 'oval', 'pale', 'patient', 'peaceful', 'perfect', 'pink',
  'plain', 'plucky', 'polite', 'poor', 'proud', 'purple', 'quick', 'quiet', 'rapid', 'rare',
  'ready', 'real', 'red', 'regal', 'rich', 'rocky', 'rosy', 'rough', 'round', 'royal', 'rural',
  'rustic', 'sacred', 'salty', 'sandy', 'scarlet', 'secret', 'sharp', 'shiny', 'short', 'shy',
  'silent', 'silky', 'silver', 'simple', 'sleek', 'sleepy', 'slim', 'slow', 'small', 'smart',
  'smooth', 'snowy', 'soft', 'solar', 'solid', 'sour', 'spicy', 'spotted', 'stable', 'steady',
  'steep', 'stormy', 'strong', 'sturdy', 'sunny', 'super', 'sweet', 'swift', 'tall', 'tame', 'teal',
  'tender', 'thick', 'thin', 'tidy', 'tiny', 'tough', 'tropical', 'true', 'trusty', 'urban',
  'useful', 'valid', 'vast', 'velvet', 'violet', 'vivid', 'warm', 'wavy', 'wealthy', 'weary',
  'western', 'wet', 'white', 'whole', 'wide', 'wild', 'windy', 'wise', 'witty', 'wooden', 'young',
  'zany', 'zealous',
];

export const NOUNS: readonly string[] = [
  'acorn', 'admiral', 'anchor', 'angel', 'ant', 'apple', 'apricot', 'arrow', 'artist', 'aspen',
  'atlas', 'badger', 'bagel', 'balloon', 'bamboo', 'banana', 'banjo', 'barn', 'basket', 'beacon',
  'beagle', 'bear', 'beaver', 'bee', 'beetle', 'bell', 'berry', 'bicycle', 'bird', 'bison',
  'blossom', 'boat', 'bobcat', 'bonsai', 'book', 'boulder', 'bridge', 'brook', 'buffalo', 'bunny',
  'butter', 'button', 'cabin', 'cactus', 'camel', 'candle', 'canoe', 'canyon', 'captain', 'carrot',
  'castle', 'cat', 'cedar', 'cello', 'chair', 'cherry', 'chess', 'chipmunk', 'cloud', 'clover',
  'coast', 'cobra', 'coconut', 'comet', 'compass', 'cookie', 'coral', 'cotton', 'cougar', 'coyote',
  'crab', 'crane', 'cricket', 'crow', 'crystal', 'cupcake', 'daisy', 'deer', 'desert', 'diamond',
  'dingo', 'dolphin', 'donkey', 'dove', 'dragon', 'drum', 'duck', 'eagle', 'echo', 'eel',
  'elephant', 'elk', 'ember', 'emerald', 'falcon', 'feather', 'fern', 'ferret', 'fiddle', 'fig',
  'finch', 'fire', 'fjord', 'flame', 'flute', 'forest', 'fox', 'frog', 'galaxy', 'garden', 'garlic',
  'gazelle', 'gecko', 'geyser', 'ginger', 'giraffe', 'glacier', 'goat', 'goose', 'grape', 'guitar',
  'gull', 'hamster', 'harbor', 'hare', 'harp', 'hawk', 'hazel', 'hedgehog', 'heron', 'hill',
  'hippo', 'honey', 'horizon', 'horse', 'hummingbird', 'iceberg', 'iguana', 'island', 'ivy',
  'jaguar', 'jasmine', 'jelly', 'jungle', 'kangaroo', 'kayak', 'kettle', 'kite', 'kiwi', 'koala',
  'ladder', 'lagoon', 'lake', 'lantern', 'lark', 'lemon', 'leopard', 'lily', 'lime', 'lion',
  'lizard', 'llama', 'lobster', 'lotus', 'lynx', 'magnet', 'mango', 'maple', 'marble', 'meadow',
  'melon', 'meteor', 'mint', 'mirror', 'mole', 'monkey', 'moon', 'moose', 'moss', 'moth',
  'mountain', 'mouse', 'mule', 'nebula', 'needle', 'nest', 'newt', 'nutmeg', 'oak', 'oasis',
  'ocean', 'octopus', 'olive', 'onion', 'orbit', 'orchid', 'osprey', 'otter', 'owl', 'oyster',
  'panda', 'panther', 'parrot', 'peach', 'peacock', 'pear', 'pebble', 'pelican', 'penguin',
  'pepper', 'piano', 'pigeon', 'pine', 'planet', 'plum', 'pony', 'poppy', 'puffin', 'pumpkin',
  'quail', 'rabbit', 'raccoon', 'radish', 'rainbow', 'raven', 'reef', 'rhino', 'river', 'robin',
  'rocket', 'rose', 'saffron', 'salmon', 'sapphire', 'seal', 'shark', 'sheep', 'shell', 'sparrow',
  'spider', 'spruce', 'squid', 'squirrel', 'star', 'stone', 'stork', 'sunflower', 'swan', 'tiger',
  'toad', 'tomato', 'tortoise', 'toucan', 'trout', 'tulip', 'tundra', 'turtle', 'valley', 'violin',
  'volcano', 'walnut', 'walrus', 'weasel', 'whale', 'willow', 'wolf', 'wombat', 'wren', 'yak',
  'zebra',
];

/** A two-word phrase ("Brave otter") chosen with a CSPRNG, shown in the app and in the mail. */
export function randomPhrase(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)]!;
  const noun = NOUNS[randomInt(NOUNS.length)]!;
  return `${adjective[0]!.toUpperCase()}${adjective.slice(1)} ${noun}`;
}
