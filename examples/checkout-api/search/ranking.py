"""Search and recommendations of the example service."""
from flags import client


def search_ttl(ctx):
    return client.value("search-cache-ttl", ctx)


def recommendations(user):
    algorithm = client.variant("recommendation_algorithm", user)
    return RECOMMENDERS[algorithm].recommend(user)


def can_bulk_import(account):
    return client.is_enabled("bulk-import", account)


def api_v3(account):
    return client.is_enabled("beta_api_access", account)
