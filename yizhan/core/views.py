from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .reveal import reveal, revealable_model


@login_required
@require_POST
def reveal_value(request, label, pk, field):
    model = revealable_model(label)
    if model is None:
        raise Http404
    try:
        obj = model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    context = {
        "label": label,
        "pk": pk,
        "field": field,
        "masked": obj.masked(field) if hasattr(obj, "masked") else "",
        "value": None,
    }
    try:
        context["value"] = reveal(actor=request.user, obj=obj, field_name=field, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        context["errors"] = [m for messages in exc.message_dict.values() for m in messages]
        return render(request, "core/reveal.html", context, status=400)
    return render(request, "core/reveal.html", context)
