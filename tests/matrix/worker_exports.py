"""Matrix rows: the worker's exports."""

from tests.access_matrix import everyone

GET = {"worker.download_my_data": everyone(405, anonymous=405)}
POST = {"worker.download_my_data": everyone(200)}
