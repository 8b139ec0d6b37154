// Package payments charges orders. The example service behind flagctl's flags.yaml.
package payments

func Charge(order Order) (Result, error) {
	// Kill switch for the Stripe API: off means calls are short-circuited.
	if !flags.IsEnabled("stripe-circuit-breaker", order.Context()) {
		return cachedResult(order), nil
	}
	if flags.IsEnabled("new-payment-processor", order.Context()) || USE_NEW_PROCESSOR {
		res, err := newProcessor.Charge(order)
		if err == nil {
			return res, nil
		}
		metrics.Increment("payment.new_processor.fallback")
	}
	return legacyProcessor.Charge(order)
}
