from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """``url`` as an absolute address: a path on this site gets the request's scheme and host;
    an address that already has them (media in a bucket, MEDIA_STORAGE=s3) stays as it is."""
    return context["request"].build_absolute_uri(url)
