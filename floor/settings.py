"""Floor settings. Everything that differs between machines comes from the environment;
the defaults are the embedded run (SQLite, in-memory channel layer, Celery without a broker)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEFAULT_SECRET_KEY = "floor-embedded-default-secret-not-for-production"  # noqa: S105 — refused below unless DEBUG
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the built-in default. Set SECRET_KEY in the environment, or DEBUG=1 for a local run."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "channels",
    "axes",
    "floor.warehouse",
    "floor.ledger",
    "floor.scanning",
    "floor.accounts",
    "floor.transfers",
    "floor.receiving",
    "floor.putaway",
    "floor.picking",
    "floor.counting",
    "floor.packing",
    "floor.returns",
    "floor.odoo",
    "floor.dashboard",
    "floor.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped, scan answers as they are (floor/compression.py).
    "floor.compression.GZipPages",
    # Below WhiteNoise, which answers static files itself: the policies go on what Django answers.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "floor.accounts.middleware.FloorUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a lockout answers before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "floor.urls"
ASGI_APPLICATION = "floor.asgi.application"
WSGI_APPLICATION = "floor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Only what the templates use (they read `request.user`, and the language from
            # `get_current_language`): every scan's answer runs each processor.
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The scan screens, rendered on every scan (floor/scanning/screens.py); only .jinja files.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "screens",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "environment": "floor.scanning.screens.environment",
            "context_processors": ["floor.scanning.screens.words_and_addresses"],
        },
    },
]

# --- Database: SQLite (WAL) embedded, PostgreSQL when DATABASE_URL says so.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writer takes the lock at BEGIN, so two posts queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # A pool per process: opening a PostgreSQL connection costs more than a whole scan, and
    # under ASGI persistent connections (CONN_MAX_AGE) leak instead of being reused.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN", default=2),
        "max_size": env.int("DB_POOL_MAX", default=8),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
    }
    # Server-side parameters let psycopg prepare a statement it has run a few times: a scan's
    # queries repeat, and PostgreSQL's planning of a joined one costs more than running it.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Requests a web worker runs at once, each in a thread of its own (floor/asgi.py). A worker runs
# Python on one core at a time: enough threads to keep it busy while others wait on PostgreSQL,
# and no more, or a burst of scans shares the core and every one of them answers late.
WEB_THREADS = env.int("WEB_THREADS", default=3)

# --- Redis: broker, channel layer and cache when REDIS_URL is set; in-process otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
# The test suite's parallel workers (pytest-xdist sets PYTEST_XDIST_WORKER: gw0, gw1…) share the
# machine's one Redis: each takes the database below the last one's and a channel prefix of its own
# (Redis's pub/sub spans its databases), as they each take a PostgreSQL database of their own.
TEST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")
if REDIS_URL and TEST_WORKER:
    _url = urlsplit(REDIS_URL)
    REDIS_URL = urlunsplit(_url._replace(path=f"/{int(_url.path.strip('/') or 0) - int(TEST_WORKER[2:])}"))
if REDIS_URL:
    _layer = {"hosts": [REDIS_URL], "prefix": f"asgi{TEST_WORKER}"}
    CHANNEL_LAYERS = {"default": {"BACKEND": "floor.events.ChannelLayer", "CONFIG": _layer}}
    CACHES = {"default": {"BACKEND": "floor.cache.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    # No broker in the embedded run: tasks run in the process that sends them.
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE = {
    "sweep-odoo-outbox": {"task": "floor.odoo.tasks.sweep_outbox", "schedule": 30.0},
    "pull-from-odoo": {"task": "floor.odoo.tasks.pull_from_odoo", "schedule": 60.0},
    "build-scheduled-waves": {"task": "floor.picking.tasks.build_scheduled_waves", "schedule": 60.0},
    # Floor's stock against Odoo's, every night at ODOO_RECONCILE_HOUR (local time).
    "reconcile-with-odoo": {
        "task": "floor.odoo.tasks.reconcile_with_odoo",
        "schedule": crontab(hour=env.int("ODOO_RECONCILE_HOUR", default=2), minute=15),
    },
    # The day's planned counts, each morning at COUNT_PLAN_HOUR (local time), before the shift.
    "make-due-counts": {
        "task": "floor.counting.tasks.make_due_counts",
        "schedule": crontab(hour=env.int("COUNT_PLAN_HOUR", default=5), minute=0),
    },
}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 12  # one long shift
# Behind TLS in production, set SECURE_COOKIES=1.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Security headers. Every script is a file of ours (scanner.js, htmx, the service worker): no
# inline script or handler, no eval (htmx's is off in base.html), nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # floor.css draws the keyboard and camera icons as data: SVGs
        # htmx's requests and the websocket (/ws/floor/): 'self' covers ws: and wss: of this origin.
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The camera reads barcodes (scanner.js); nothing else that a page could ask the person for. Only
# names Chromium knows: an unknown one is a console warning on every page.
PERMISSIONS_POLICY = {
    "camera": ["self"],
    "accelerometer": [],
    "browsing-topics": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
# No script reads the CSRF cookie: the token travels in hx-headers (base.html) and in the forms.
CSRF_COOKIE_HTTPONLY = True
# Browsers keep to HTTPS once told, so only where the site is served over TLS (SECURE_COOKIES).
# request.is_secure() behind a proxy: uvicorn reads X-Forwarded-Proto from FORWARDED_ALLOW_IPS.
if SESSION_COOKIE_SECURE:
    SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- Accounts
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "floor.accounts.backends.BadgeBackend",
    "floor.accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# A whole floor shares one address: lock the person, never the IP.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# A try during a lock (the right PIN too) must not restart the cool-off, or one try per badge
# every few minutes keeps the whole floor locked out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# One scanner or address that fails with this many different badges within the cool-off is
# refused every badge until it ends (floor/accounts/services.py: device_throttled).
LOGIN_DEVICE_BADGE_LIMIT = env.int("LOGIN_DEVICE_BADGE_LIMIT", default=10)
AXES_LOCKOUT_CALLABLE = "floor.accounts.views.locked_out"
AXES_VERBOSE = False
# Badge PINs: salted PBKDF2, lighter than passwords (see floor/accounts/hashers.py).
PIN_HASH_ITERATIONS = env.int("PIN_HASH_ITERATIONS", default=100_000)

# --- Language: English and Spanish; each person's own choice wins over the browser's.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "floor" / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
CELERY_TIMEZONE = TIME_ZONE  # beat's nightly runs are at the warehouse's hours
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic names each file by its content's hash and writes gzip and brotli copies beside it;
# WhiteNoise serves those to the browsers that take them, cached for a year. A deploy changes the
# names, so no handheld keeps an old script. Without DEBUG the pages need its manifest: the
# Procfile's web runs collectstatic first. With DEBUG (`make run`) the names stay plain and the
# files come from static/ as they are, so an edit shows at once.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files (the photos of returned items) go through the default storage: files under
# MEDIA_ROOT here, an object store in production by changing its backend. There is no MEDIA_URL:
# a photo is shown only through its view, to the people of its warehouse.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# --- Odoo (used by the sync; the key is read here and nowhere else)
ODOO_URL = env.str("ODOO_URL", default="")
ODOO_DB = env.str("ODOO_DB", default="")
ODOO_USER = env.str("ODOO_USER", default="")
ODOO_API_KEY = env.str("ODOO_API_KEY", default="")
ODOO_API = env.str("ODOO_API", default="auto")  # auto | jsonrpc | json2
ODOO_TIMEOUT = env.float("ODOO_TIMEOUT", default=15.0)
# Pushes back off 10 s, 20 s, 40 s… (±50 %, at most an hour); after 8 tries they wait for a person.
ODOO_PUSH_MAX_ATTEMPTS = env.int("ODOO_PUSH_MAX_ATTEMPTS", default=8)
ODOO_PUSH_BACKOFF_SECONDS = env.int("ODOO_PUSH_BACKOFF_SECONDS", default=10)
ODOO_PUSH_BACKOFF_CAP_SECONDS = env.int("ODOO_PUSH_BACKOFF_CAP_SECONDS", default=3600)
ODOO_PUSH_LEASE_SECONDS = env.int("ODOO_PUSH_LEASE_SECONDS", default=120)
# The supervisor's dashboard shows the sync red when an operation has waited longer than this
# to reach Odoo.
DASHBOARD_SYNC_RED_SECONDS = env.int("DASHBOARD_SYNC_RED_SECONDS", default=300)
# With Redis, the dashboards' panels are drawn by the Procfile's `live` Celery worker, not in the
# web processes where the scans run (floor/events.py). Off: a web process draws them itself.
FLOOR_SAID_BY_WORKER = env.bool("FLOOR_SAID_BY_WORKER", default=bool(REDIS_URL))
# Receiving: how far over the expected quantity a line may go before a supervisor must approve
# (0.10 = 10 %), and whether an item not on the receipt may be taken in with their approval.
RECEIVING_OVER_TOLERANCE = env.float("RECEIVING_OVER_TOLERANCE", default=0.10)
RECEIVING_ALLOW_UNEXPECTED = env.bool("RECEIVING_ALLOW_UNEXPECTED", default=False)
# A receipt validated short in Odoo leaves a backorder for what is still expected (True), or
# closes short (False). The receiving flow may decide per receipt ("nothing more is coming").
ODOO_RECEIPT_BACKORDER = env.bool("ODOO_RECEIPT_BACKORDER", default=True)
# Picking: a task's lease lapses after this long without a scan, and "Get work" may hand it to
# someone else (what was picked stays picked).
PICK_LEASE_SECONDS = env.int("PICK_LEASE_SECONDS", default=300)
# Counting: a count task's lease lapses after this long without a scan (what was counted stays).
# A count within tolerance (units, or percent of the ledger's quantity, whichever is larger)
# adjusts the stock at once; beyond it, someone else recounts the bin.
COUNT_LEASE_SECONDS = env.int("COUNT_LEASE_SECONDS", default=300)
# The supervisor's dashboard calls someone idle who holds a task and has not scanned for this long.
DASHBOARD_IDLE_SECONDS = env.int("DASHBOARD_IDLE_SECONDS", default=300)
COUNT_TOLERANCE_UNITS = env.float("COUNT_TOLERANCE_UNITS", default=2.0)
COUNT_TOLERANCE_PERCENT = env.float("COUNT_TOLERANCE_PERCENT", default=5.0)
# ...and, where the item's cost is known, a difference worth more than this is beyond it too.
COUNT_TOLERANCE_VALUE = env.float("COUNT_TOLERANCE_VALUE", default=100.0)
# Returns inspection: the condition grades, each with its words and the disposition one tap on it
# gives (floor/returns/models.py Disposition: restock, refurbish, quarantine, scrap, vendor).
RETURN_GRADES = {
    "A": (_("A · resealable"), "restock"),
    "B": (_("B · opened"), "restock"),
    "C": (_("C · damaged"), "quarantine"),
    "D": (_("D · defective"), "scrap"),
}
# ...and the inspector's reason codes, asked when they send an item elsewhere than its grade says.
RETURN_REASONS = {
    "parts_missing": _("Parts missing"),
    "not_as_graded": _("Worse than it looks"),
    "repairable": _("Repairable"),
    "vendor_warranty": _("Vendor warranty"),
    "hygiene": _("Hygiene: seal broken"),
    "other": _("Other: see the note"),
}
# An item that was not on the returned order: "quarantine" takes it in, flagged, to quarantine for
# a supervisor; "refuse" leaves it out of the return, to be put aside.
RETURN_NOT_ON_ORDER = env.str("RETURN_NOT_ON_ORDER", default="quarantine")
# Photos of an inspected item (floor/returns/photos.py): a file over RETURN_PHOTO_MAX_BYTES is
# refused unread, one of more than RETURN_PHOTO_MAX_PIXELS undecoded (a small file can unpack
# into gigabytes); what is kept is re-encoded to at most RETURN_PHOTO_MAX_SIDE pixels a side.
RETURN_PHOTO_MAX_BYTES = env.int("RETURN_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
RETURN_PHOTO_MAX_PIXELS = env.int("RETURN_PHOTO_MAX_PIXELS", default=50_000_000)
RETURN_PHOTO_MAX_SIDE = env.int("RETURN_PHOTO_MAX_SIDE", default=2000)
RETURN_PHOTO_MAX_PER_ITEM = env.int("RETURN_PHOTO_MAX_PER_ITEM", default=6)
# Count planning (floor/counting/planning.py). Items are classed A, B or C by what was picked of
# them over COUNT_ABC_WINDOW_DAYS: the items making the first COUNT_ABC_A_PERCENT of all units
# picked (or of their value, where the cost is known) are A, up to COUNT_ABC_B_PERCENT B, the
# rest C. A bin takes the highest class of what it holds and is counted every COUNT_DAYS_<class>.
COUNT_ABC_WINDOW_DAYS = env.int("COUNT_ABC_WINDOW_DAYS", default=90)
COUNT_ABC_A_PERCENT = env.float("COUNT_ABC_A_PERCENT", default=80.0)
COUNT_ABC_B_PERCENT = env.float("COUNT_ABC_B_PERCENT", default=95.0)
COUNT_DAYS_A = env.int("COUNT_DAYS_A", default=30)
COUNT_DAYS_B = env.int("COUNT_DAYS_B", default=90)
COUNT_DAYS_C = env.int("COUNT_DAYS_C", default=365)
# A bin holding stock that nobody counted for this long is counted, whatever its plan.
COUNT_NOT_COUNTED_DAYS = env.int("COUNT_NOT_COUNTED_DAYS", default=180)
# Planned counts a warehouse's counters get through in a day: the morning's run tops the queue of
# planned counts up to this, riskiest first. Counts raised by something found wrong come on top.
COUNT_DAILY_CAPACITY = env.int("COUNT_DAILY_CAPACITY", default=40)
# A variance two counts agree on has the item's other bins counted: this many, lately stocked first.
COUNT_VARIANCE_BINS = env.int("COUNT_VARIANCE_BINS", default=5)
# A short pick: "backorder" leaves the rest for a later delivery; "reallocate" first looks for it
# in another bin of the warehouse and adds that stop to the task.
PICK_SHORT = env.str("PICK_SHORT", default="backorder")
# Where there is no pack step, an order's delivery goes to Odoo as soon as it is picked.
PACKING_STEP = env.bool("PACKING_STEP", default=True)
# Packing: the GS1 company prefix in the cartons' SSCCs (7–10 digits, from GS1), and the
# extension digit before it. The demo prefix 0614141 is GS1's own example.
GS1_COMPANY_PREFIX = env.str("GS1_COMPANY_PREFIX", default="0614141")
SSCC_EXTENSION_DIGIT = env.int("SSCC_EXTENSION_DIGIT", default=0)
# The region whose rule reads a store's price and weight labels (GS1 prefixes 02, 20–29) for a
# warehouse that has none of its own: dk, ee, fi, de, gb, lv, lt, no, se. Blank: such labels are refused.
GS1_RCN_REGION = env.str("GS1_RCN_REGION", default="")
# How long a label or a scale reading may take before the station is called unreachable.
STATION_TIMEOUT_SECONDS = env.float("STATION_TIMEOUT_SECONDS", default=3.0)
# The pull re-reads this far behind its cursor: Odoo stamps write_date at a transaction's start,
# so a slow transaction can commit records older than the newest already read.
ODOO_PULL_OVERLAP_SECONDS = env.int("ODOO_PULL_OVERLAP_SECONDS", default=30)

LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own logging gives "django" a console handler of its own (active with DEBUG), and the
    # logger hands each record on to the root's as well: every warning and traceback came out
    # twice. One handler for all, the root's (Celery's worker puts its own there).
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL}},
}

# axes.W006 asks to lock by IP as well; on a warehouse floor every scanner shares one address,
# so locking by IP would lock out the whole shift (lockout is per person, above).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
