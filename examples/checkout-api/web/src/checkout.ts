// The checkout page of the example service.
import { isFeatureEnabled, variant, config } from "./flags";

export function renderCheckout(user: User) {
  const layout = isFeatureEnabled("checkout-v2", user) ? "one-page" : "classic";
  const shipping = isFeatureEnabled("express-shipping", user);
  const wrapping = isFeatureEnabled("gift-wrapping", user);
  const banner = isFeatureEnabled("holiday-banner", user); // not in flags.yaml yet
  const pricing = variant("pricing-page-layout", user);
  const settings = config("checkout-config", user);
  return { layout, shipping, wrapping, banner, pricing, maxItems: settings.max_items };
}
