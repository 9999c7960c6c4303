import pytest

# Chromium reports what the Content-Security-Policy refused on the console ("Executing inline
# script violates the following Content Security Policy directive…"); the page's
# securitypolicyviolation event says it there too, in case that wording changes.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) =>
  console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
"""


@pytest.fixture(autouse=True)
def no_csp_violation(page):
    """Every walk runs under the policy the server sends: what it refuses fails the walk, as it
    would leave a scanner without its script, its styles or its live connection."""
    refused = []

    def listen(message):
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", listen)
    yield
    assert not refused, refused
