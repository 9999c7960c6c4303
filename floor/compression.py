from django.middleware.gzip import GZipMiddleware

# What a scan's answer may weigh and still fit in its connection's first round trip (shared/UX.md).
ROUND_TRIP = 6 * 1024


class GZipPages(GZipMiddleware):
    """Gzip what a browser loads as a page (HTML, the web app manifest, the service worker), and
    leave a scan's answer as it is.

    A page belongs to a screen's first load (80 KB on the wire at most, tests/core/test_page_weight.py):
    gzip takes a receiving page from 6 KB to 2 KB. A scan's answer (an htmx partial of 1-4 KB, 6 at
    most) fits in its connection's first round trip anyway, so gzip would spend CPU on every scan and
    save no time; the rare answer beyond that (the pick screen's when it carries the picker's task
    again, floor/picking/offline.py) is gzipped as a page is. BREACH, which reads secrets off the
    size of compressed answers that also reflect an attacker's text: the secret a page holds is the
    CSRF token, which Django masks afresh in every answer (and an answer to htmx holds none), so its
    size gives nothing away, and Django pads every gzipped answer with random bytes. Static files
    never reach here: WhiteNoise answers them above, from their .br and .gz copies.
    """

    def process_response(self, request, response):
        if request.headers.get("HX-Request") and (response.streaming or len(response.content) <= ROUND_TRIP):
            return response
        return super().process_response(request, response)
