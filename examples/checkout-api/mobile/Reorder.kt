// One-tap reorder in the mobile app of the example service.
class Reorder(private val flags: Flags) {
    fun visible(ctx: Context): Boolean = flags.isEnabled("mobile-quick-reorder", ctx)
}
