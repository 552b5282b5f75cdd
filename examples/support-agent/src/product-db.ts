/**
 * The support agent's data: a small product catalog, orders, and policy documents. In a real shop
 * these are a database and a search index; here they are in memory so the example runs anywhere.
 */

export interface Product {
  sku: string;
  name: string;
  category: string;
  priceUsd: number;
  inStock: number;
  description: string;
}

export interface Order {
  orderId: string;
  customer: string;
  status: 'processing' | 'shipped' | 'delivered' | 'cancelled';
  items: { sku: string; quantity: number }[];
  shippedAt?: string;
  carrier?: string;
  tracking?: string;
}

export interface PolicyDocument {
  id: string;
  title: string;
  text: string;
}

/**
 * An in-memory product database with the three lookups the agent's tools use.
 *
 * @example
 * const db = new ProductDatabase();
 * db.searchProducts('headphones'); // [{ sku: 'AUD-200', ... }]
 */
export class ProductDatabase {
  readonly products: Product[] = [
    {
      sku: 'AUD-200',
      name: 'Quiet Comfort Headphones',
      category: 'audio',
      priceUsd: 249,
      inStock: 14,
      description: 'Wireless over-ear headphones with active noise cancelling and 30-hour battery.',
    },
    {
      sku: 'AUD-110',
      name: 'Sport Earbuds',
      category: 'audio',
      priceUsd: 89,
      inStock: 0,
      description: 'Water-resistant wireless earbuds with ear hooks, 8-hour battery.',
    },
    {
      sku: 'KBD-750',
      name: 'Mechanical Keyboard',
      category: 'computers',
      priceUsd: 129,
      inStock: 32,
      description: 'Tenkeyless keyboard with hot-swappable switches and USB-C.',
    },
    {
      sku: 'MON-270',
      name: '27-inch 4K Monitor',
      category: 'computers',
      priceUsd: 399,
      inStock: 5,
      description: 'IPS panel, 60 Hz, USB-C power delivery up to 90 W.',
    },
    {
      sku: 'CHG-065',
      name: '65 W USB-C Charger',
      category: 'accessories',
      priceUsd: 45,
      inStock: 120,
      description: 'Two-port GaN charger for laptops and phones.',
    },
  ];

  readonly orders: Order[] = [
    {
      orderId: 'A1001',
      customer: 'dana@example.com',
      status: 'shipped',
      items: [{ sku: 'AUD-200', quantity: 1 }],
      shippedAt: '2026-12-01',
      carrier: 'UPS',
      tracking: '1Z999AA10123456784',
    },
    { orderId: 'A1002', customer: 'lee@example.com', status: 'processing', items: [{ sku: 'MON-270', quantity: 2 }] },
    {
      orderId: 'A1003',
      customer: 'sam@example.com',
      status: 'delivered',
      items: [
        { sku: 'KBD-750', quantity: 1 },
        { sku: 'CHG-065', quantity: 1 },
      ],
    },
  ];

  readonly policies: PolicyDocument[] = [
    {
      id: 'returns',
      title: 'Returns and refunds',
      text: 'Unused items can be returned within 30 days of delivery for a full refund. Opened audio products can be returned within 14 days. Refunds reach the original payment method within 5 business days of receiving the return.',
    },
    {
      id: 'shipping',
      title: 'Shipping',
      text: 'Orders ship within 2 business days. Standard shipping takes 3 to 5 business days; express takes 1 to 2. Tracking numbers are emailed when an order ships.',
    },
    {
      id: 'warranty',
      title: 'Warranty',
      text: 'Electronics carry a 1-year limited warranty covering manufacturing defects. Accidental damage is not covered.',
    },
  ];

  /** Products whose name, category or description contains every word of the query (case-insensitive). */
  searchProducts(query: string): Product[] {
    const words = query
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 2);
    return this.products.filter((p) => {
      const text = `${p.name} ${p.category} ${p.description}`.toLowerCase();
      return words.length > 0 && words.some((w) => text.includes(w.replace(/s$/, '')));
    });
  }

  /** One order by id, or undefined. */
  getOrder(orderId: string): Order | undefined {
    return this.orders.find((o) => o.orderId.toLowerCase() === orderId.trim().toLowerCase());
  }

  /** Policy documents ranked by how many query words they contain (a stand-in for a vector search). */
  searchPolicies(query: string, k = 2): (PolicyDocument & { score: number })[] {
    const words = query
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 3);
    return this.policies
      .map((doc) => {
        const text = `${doc.title} ${doc.text}`.toLowerCase();
        return { ...doc, score: words.filter((w) => text.includes(w.replace(/s$/, ''))).length };
      })
      .filter((d) => d.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k);
  }
}
