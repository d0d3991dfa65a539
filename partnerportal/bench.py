"""Only with BENCH=1 (`make bench`): the bare-Django floor page and a query-count header.

The floor is the portal's own base layout for the signed-in person, rendered by a
view that does nothing else: what every page costs before its own work.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import render


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Query-Count"] = str(queries)
        return response


@login_required
def floor(request):
    return render(request, "bench_floor.html")
