import { ErrorCode, argumentError } from '@matryoshka/core';
import { allocateBudget } from '@matryoshka/scale-predictor';

/** One image's (or sample's) value and token cost at every level, levels in the same order for all. */
export interface BudgetItem {
  readonly values: readonly number[];
  readonly tokens: readonly number[];
}

export interface BudgetChoice {
  /** Per item, the chosen level's token count (its entry in the item's `tokens`). */
  readonly chosen: readonly number[];
  /** Tokens spent in all. */
  readonly tokens: number;
  /** The sum of the chosen values: what the allocation maximises. */
  readonly value: number;
}

/**
 * The budgeted policy: one level per item, total tokens ≤ `budget`, the sum of the chosen values
 * as large as possible (an exact multiple-choice knapsack, `allocateBudget`). Costs are per item,
 * so levels whose actual token counts differ between images (other grids, other modes) are
 * charged what they really cost.
 */
export function allocate(items: readonly BudgetItem[], budget: number): BudgetChoice {
  const cheapest = items.reduce((s, item) => s + Math.min(...item.tokens), 0);
  if (!(budget >= cheapest)) {
    throw argumentError(
      ErrorCode.InvalidArgument,
      'budget',
      `a budget of ${budget} tokens cannot serve ${items.length} items: the smallest levels need ${cheapest} in all`,
    );
  }
  const a = allocateBudget(
    items.map((item) => item.values),
    items.map((item) => [...item.tokens]),
    budget,
  );
  return { chosen: a.tokens, tokens: a.totalTokens, value: a.value };
}

/** The fixed policy: level `index` for every item. */
export function fixed(items: readonly BudgetItem[], index: number): BudgetChoice {
  return {
    chosen: items.map((item) => item.tokens[index]!),
    tokens: items.reduce((s, item) => s + item.tokens[index]!, 0),
    value: items.reduce((s, item) => s + item.values[index]!, 0),
  };
}
