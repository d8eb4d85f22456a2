from django.conf import settings


def office(request):
    return {"office": settings.CAPIL_OFFICE}
